// "Queue a task" (HTML §8.1.7.1) for the facade: events and state changes the spec fires
// asynchronously run after the current script, in order. The facade may not own timers
// (DESIGN.md), so a microtask carries the queue.
export class TaskQueue {
  readonly #tasks: (() => void)[] = [];
  #scheduled = false;

  queue(task: () => void): void {
    this.#tasks.push(task);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#run());
  }

  #run(): void {
    this.#scheduled = false;
    // Tasks queued while running run in this same pass, after the current ones.
    for (let i = 0; i < this.#tasks.length; i++) {
      try {
        this.#tasks[i]();
      } catch (e) {
        // A throwing listener must not stop the connection (HTML "report the exception").
        reportError(e);
      }
    }
    this.#tasks.length = 0;
  }
}

function reportError(e: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (report) report(e);
  else queueMicrotask(() => {
    throw e;
  });
}
