#pragma once

// Headless Chromium for the dashboard tests: the document of a page after
// its scripts ran. The tests that use it fail (never skip) without it.

#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace sluice::test {

inline std::string chromium_path() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

/// The document of `url` as Chromium dumps it after `budget_ms` of the
/// page's virtual time. Virtual time stands still while a request is open:
/// give a dashboard's page `?seconds=N` so its event stream ends.
/// --no-sandbox: tests may run as root.
inline std::string dump_dom(const std::string& url, int budget_ms = 3000) {
  const std::string chromium = chromium_path();
  if (chromium.empty())
    FAIL("chromium is not installed: run scripts/setup.sh (the dashboard's browser tests need "
         "it)");
  const std::string command = "timeout 90 " + chromium
                              + " --headless --no-sandbox --disable-gpu --no-first-run"
                                " --disable-dev-shm-usage --virtual-time-budget="
                              + std::to_string(budget_ms) + " --dump-dom '" + url + "' 2>/dev/null";
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  INFO("chromium exit status " << status << " for " << url);
  REQUIRE(!out.empty());
  return out;
}

} // namespace sluice::test
