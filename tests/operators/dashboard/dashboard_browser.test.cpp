// A real browser (headless Chromium) opens the dashboards while they are
// served and shows the values sent: the page's script renders them into the
// document, which Chromium dumps.

#include <catch2/catch.hpp>

#include <string>

#include "chromium.hpp"
#include "dashboard_fixture.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

bool has(const std::string& dom, const std::string& text) {
  return dom.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("headless Chromium shows the values sent on every kind of dashboard, record text "
          "escaped") {
  const int port = free_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  auto table = open_dashboard("table", {{"listen", listen}, {"title", "Latest readings"}});
  auto line = open_dashboard("line", {{"listen", listen},
                                      {"title", "Temperature"},
                                      {"chart", "line"},
                                      {"key", "device"},
                                      {"fields", {"temp"}}});
  auto bar = open_dashboard(
    "bar", {{"listen", listen}, {"title", "By device"}, {"chart", "bar"}, {"fields", {"temp"}}});
  auto number = open_dashboard(
    "number", {{"listen", listen}, {"title", "Count"}, {"chart", "number"}, {"fields", {"n"}}});
  const std::string evil = "<img src=x onerror=alert(1)><b>bold</b>";
  for (auto* op : {table.get(), line.get(), bar.get(), number.get()}) {
    feed(*op, reading(1, "boiler", 61.25, 41));
    feed(*op, reading(2, "pump", 17.5, 42));
    feed(*op, reading(3, evil, 33.75, 4217));
  }
  end_stream(*table);

  const std::string base = "http://" + listen;
  SECTION("table: the rows, newest first, and the ended badge") {
    const std::string dom = dump_dom(base + "/d/table?seconds=1");
    INFO(dom);
    CHECK(has(dom, "<h1 id=\"title\">Latest readings</h1>"));
    CHECK(has(dom, "data-events=\"")); // the event stream reached the page
    CHECK(has(dom, "<td>boiler</td>"));
    CHECK(has(dom, "<td class=\"num\">61.25</td>"));
    CHECK(has(dom, "<td>2026-01-01T00:00:03.000Z</td>"));
    CHECK(has(dom, "3 records"));
    CHECK(has(dom, "class=\"badge ended\""));
    // the text of a record is text: escaped, never an element
    CHECK(has(dom, "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;bold&lt;/b&gt;"));
    CHECK_FALSE(has(dom, "<b>bold</b>"));
    CHECK_FALSE(has(dom, "<img"));
  }
  SECTION("line: the canvas, and the latest value of each series as text") {
    const std::string dom = dump_dom(base + "/d/line?seconds=1");
    INFO(dom);
    CHECK(has(dom, "<canvas role=\"img\" aria-label=\"line chart of temp\""));
    CHECK(has(dom, "<td><span class=\"swatch\""));
    CHECK(has(dom, "boiler</td><td class=\"num\">61.25</td><td class=\"num\">00:00:01</td>"));
    CHECK(has(dom, "pump</td><td class=\"num\">17.5</td>"));
    CHECK((has(dom, "class=\"badge live\"") || has(dom, "class=\"badge stalled\"")));
    CHECK_FALSE(has(dom, "<b>bold</b>"));
  }
  SECTION("bar: a bar per device, its latest value as text") {
    const std::string dom = dump_dom(base + "/d/bar?seconds=1");
    INFO(dom);
    CHECK(has(dom, "aria-label=\"bar chart of temp by device\""));
    CHECK(has(dom, "<td>boiler</td><td class=\"num\">61.25</td>"));
    CHECK(has(dom, "<td>pump</td><td class=\"num\">17.5</td>"));
    CHECK(has(dom, "&lt;b&gt;bold&lt;/b&gt;</td><td class=\"num\">33.75</td>"));
    CHECK_FALSE(has(dom, "<b>bold</b>"));
  }
  SECTION("number: the newest value and its change") {
    const std::string dom = dump_dom(base + "/d/number?seconds=1");
    INFO(dom);
    CHECK(has(dom, "data-value=\"4217\""));
    CHECK(has(dom, ">4,217</div>"));
    CHECK(has(dom, "▲ +4,175 vs previous (42)"));
    CHECK(has(dom, "<polyline points=\""));
  }
}
