/**
 * Which thread verifies a file sent to the verifying worker: the worker, or the importing thread when it
 * would otherwise wait (worker-verifier.ts `help`). One Int32 slot per file in flight, shared by both
 * threads; whoever moves it from the file's id first verifies the file, the other leaves it alone.
 * Plain Node and no dependencies: the worker loads it before anything else.
 */

/** Slots in the shared array: far more than the files an importer keeps in flight (import/files.ts). */
export const CLAIM_SLOTS = 4096;

const WORKING = -1;
const DONE = -2;
const HERE = -3;

export interface Claim {
  readonly slot: number;
  readonly id: number;
}

export function newClaims(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CLAIM_SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/** The file is sent: nobody has it yet. */
export function offer(claims: Int32Array, claim: Claim): void {
  Atomics.store(claims, claim.slot, claim.id);
}

/** The worker takes the file; false when the importing thread took it first. */
export function takeInWorker(claims: Int32Array, claim: Claim): boolean {
  return Atomics.compareExchange(claims, claim.slot, claim.id, WORKING) === claim.id;
}

/** The importing thread takes the file; false when the worker has it (or had it). */
export function takeHere(claims: Int32Array, claim: Claim): boolean {
  return Atomics.compareExchange(claims, claim.slot, claim.id, HERE) === claim.id;
}

/** The worker is done with the file: its answer is on the way. */
export function finish(claims: Int32Array, claim: Claim): void {
  Atomics.store(claims, claim.slot, DONE);
}

/** The worker has answered or is about to: waiting for it is better than verifying another file. */
export function isDone(claims: Int32Array, claim: Claim): boolean {
  return Atomics.load(claims, claim.slot) === DONE;
}
