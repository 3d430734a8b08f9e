// A fatal signal (segmentation fault, bus error, illegal instruction, floating-point trap, abort)
// prints "piikit: fatal signal N (name)" and a backtrace to stderr, then ends the process with
// the same signal (so the exit status and any core dump are unchanged). Function names appear
// for exported symbols (the piikit binary is linked with -rdynamic).
#pragma once

namespace piikit {

// Installs the handlers; idempotent. Call early in main().
void install_crash_report();

}  // namespace piikit
