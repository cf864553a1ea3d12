#pragma once

// Text from outside (ids and kinds from a pipeline file, names a metrics
// server sends) on its way to a terminal or a log: control bytes are shown
// as escapes instead of being obeyed by the terminal, and a huge value is
// cut in the middle instead of flooding the screen.

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::core {

/// `text` with every control byte (below 0x20 but tab, and 0x7f) written as
/// `\xNN`, and, when longer than `max_bytes`, only its start and end with
/// "...[N bytes left out]..." between them. Newlines stay (messages may span
/// lines) unless `keep_newlines` is false.
std::string printable(std::string_view text, std::size_t max_bytes = 1000,
                      bool keep_newlines = true);

} // namespace sluice::core
