/**
 * How the management API reaches the local event source mappings: to reset
 * a group's offsets it must first stop the ESM that owns the group, as it
 * disables the event source mapping in AWS. The local ESM registers itself
 * here when it starts; the management handler looks it up.
 */
export interface EsmControl {
  /** Whether a running local ESM consumes with this consumer group. */
  readonly owns: (groupId: string) => boolean;
  /** Stops consuming for the group and leaves it (no active members after). */
  readonly pause: (groupId: string) => Promise<void>;
  /** Starts consuming again from the group's committed offsets. */
  readonly resume: (groupId: string) => Promise<void>;
}

let registered: EsmControl | undefined;

/**
 * Registers the running local ESM (or clears it with `undefined`).
 *
 * @example
 * ```ts
 * registerEsmControl({ owns, pause, resume });
 * ```
 */
export const registerEsmControl = (control: EsmControl | undefined): void => {
  registered = control;
};

/**
 * The running local ESM, if any.
 *
 * @example
 * ```ts
 * const esm = getEsmControl();
 * if (esm?.owns(groupId)) await esm.pause(groupId);
 * ```
 */
export const getEsmControl = (): EsmControl | undefined => registered;
