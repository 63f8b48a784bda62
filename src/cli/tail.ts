/** `podpulse tail`: not built yet (placeholder until its issue lands). */
export function run(_argv: string[]): Promise<number> {
  process.stderr.write('podpulse: the "tail" command is not available in this build yet\n');
  return Promise.resolve(2);
}
