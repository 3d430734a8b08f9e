// placeholder: owned by the module's author, to be replaced
#include "commands.h"
namespace piikit::cli {
void register_compare(CLI::App& app) { (void)app; }
}  // namespace piikit::cli
