#include "piikit/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <initializer_list>

namespace piikit {
namespace {

void write_str(const char* s) {
  const ssize_t ignored = ::write(STDERR_FILENO, s, strlen(s));
  (void)ignored;
}

void on_fatal_signal(int sig) {
  // Only async-signal-safe calls: write(2), backtrace (its library was loaded at install time)
  // and backtrace_symbols_fd, which writes without allocating.
  char number[16];
  int n = sig, len = 0;
  char digits[16];
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0 && len < 15);
  for (int i = 0; i < len; ++i) number[i] = digits[len - 1 - i];
  number[len] = '\0';
  write_str("\npiikit: fatal signal ");
  write_str(number);
  write_str(" (");
  write_str(sigdescr_np(sig) ? sigdescr_np(sig) : "unknown");
  write_str("); backtrace:\n");
  void* frames[64];
  const int count = backtrace(frames, 64);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void install_crash_report() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  void* warm_up[1];
  backtrace(warm_up, 1);  // loads libgcc's unwinder now, not inside the handler
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &action, nullptr);
}

}  // namespace piikit
