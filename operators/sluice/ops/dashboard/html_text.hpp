#pragma once

// Text put into the dashboards' HTML by the server: escaped, always.

#include <map>
#include <string>
#include <string_view>

namespace sluice::ops::dashboard {

/// `text` with & < > " ' as character references: safe in element text and
/// in quoted attribute values.
std::string html_escape(std::string_view text);

/// `page` with every `{{name}}` replaced by `values.at(name)` (already
/// escaped by the caller); an unknown name is left as it is.
std::string fill(std::string_view page, const std::map<std::string, std::string>& values);

} // namespace sluice::ops::dashboard
