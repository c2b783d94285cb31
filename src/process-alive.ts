/**
 * Whether a process of this host runs: signal 0 only asks (EPERM: it runs, as another user). Locks, review
 * claims and half-received uploads ask it of the process that left them.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
