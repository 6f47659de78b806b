// Exit codes of the `ptelab` command (README "Exit codes").

/** Process exit codes of the `ptelab` command. */
export const EXIT_OK = 0;
/** An internal error (a bug in ptelab). */
export const EXIT_INTERNAL = 1;
/** Malformed litmus or model file, unknown function, bad option. */
export const EXIT_BAD_INPUT = 2;
/** The search hit a bound (states, memory, time) or was interrupted: the verdict is incomplete. */
export const EXIT_INCOMPLETE = 3;
/** `ptelab replay`: the trace no longer reproduces (a step is not enabled, or the check does not fire). */
export const EXIT_NOT_REPRODUCED = 4;
