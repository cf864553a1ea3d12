#include <catch2/catch.hpp>

#include <QSet>

#include "model/node_ids.hpp"

using namespace sluice::editor::model;

TEST_CASE("a new node's id comes from its kind and counts on when taken", "[model]") {
  CHECK(baseIdForKind("transform.filter") == "filter");
  CHECK(baseIdForKind("synopsis.heavy_hitters") == "heavy_hitters");
  QSet<QString> taken = {"filter", "filter_2", "m_7"};
  auto isTaken = [&](const QString& id) { return taken.contains(id); };
  CHECK(uniqueId("gen", isTaken) == "gen");
  CHECK(uniqueId("filter", isTaken) == "filter_3");
  CHECK(uniqueId("filter_2", isTaken) == "filter_3");
  CHECK(uniqueId("m_7", isTaken) == "m_2");
  CHECK(isValidNodeId("a-b_9"));
  CHECK(!isValidNodeId("a.b"));
  CHECK(!isValidNodeId(""));
}
