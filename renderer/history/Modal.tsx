import { useEffect, useRef, type ReactNode } from 'react';

// A native modal <dialog> (focus trapped, Escape closes, no UI library), opened when it mounts: the parent
// renders it only while it is open. Escape or the browser closing it tells the parent through onClose.
export function Modal({
  labelledBy,
  testId,
  onClose,
  children,
  wide = false,
}: {
  labelledBy: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`confirm-dialog after-sale-dialog${wide ? ' is-wide' : ''}`}
      aria-labelledby={labelledBy}
      data-testid={testId}
      onClose={onClose}
    >
      {children}
    </dialog>
  );
}
