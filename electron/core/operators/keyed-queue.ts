// Runs tasks one at a time per key, in the order they were queued; different keys run side by side. Used for
// PIN checks, so a burst of requests for one operator is checked (and counted) one after the other.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The next task waits for this one to settle, whichever way it ends.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (for tests: the map must not grow without bound). */
  get size(): number {
    return this.tails.size;
  }
}
