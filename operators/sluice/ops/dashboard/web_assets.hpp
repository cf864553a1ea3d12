#pragma once

// The dashboards' own page, script and style: the files of web/, embedded
// at build time (web/embed.cmake writes web_assets.cpp into the build tree).

#include <string_view>

namespace sluice::ops::dashboard {

/// The bytes of web/<name> ("page.html", "index.html", "dashboard.js",
/// "dashboard.css"), or "" for another name.
std::string_view web_asset(std::string_view name);

} // namespace sluice::ops::dashboard
