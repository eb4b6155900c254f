import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { CartEntry } from './CartEntry.tsx';
import { ShopperForm } from './ShopperForm.tsx';
import { useDraftEditor } from './useDraftEditor.ts';
import type { SaleController } from './useSale.ts';

// The draft step: the cart, then the shopper. Which of the two is on screen is main's `draftStage`, so a
// restart of the app reopens the same stage; the typed values live in `useDraftEditor` across both.
export function DraftEditor({
  sale,
  controller,
  status,
}: {
  sale: SaleRecord;
  controller: SaleController;
  status: TillStatus | null;
}) {
  const editor = useDraftEditor(sale, controller);

  const start = async () => {
    // Main starts from what it has on disk, so the last keystrokes must be there first.
    if (await editor.saveNow()) await controller.start();
  };

  if (sale.draftStage === 'cart') {
    return <CartEntry sale={sale} editor={editor} controller={controller} />;
  }
  return (
    <ShopperForm sale={sale} editor={editor} controller={controller} status={status} onStart={() => void start()} />
  );
}
