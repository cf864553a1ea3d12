#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <xxhash.h>

#include "sluice/ops/aggregate/sketch/key_table.hpp"
#include "sluice/ops/aggregate/sketch/space_saving.hpp"

using sluice::ops::aggregate::sketch::key_table;
using sluice::ops::aggregate::sketch::space_saving;

namespace {

std::uint64_t hash_bytes(const std::string& key) { return XXH3_64bits(key.data(), key.size()); }

void add(space_saving& s, const std::string& key, std::uint64_t weight = 1) {
  s.add(hash_bytes(key), key, weight);
}

/// 100 000 keys: "hot0".."hot4" with 5 % each, the rest spread over 20 000
/// cold keys; the exact counts go to `truth`.
std::vector<std::string> planted_stream(unsigned seed,
                                        std::map<std::string, std::uint64_t>& truth) {
  std::mt19937_64 g(seed);
  std::vector<std::string> out;
  for (int i = 0; i < 100000; ++i) {
    std::string key =
      g() % 4 == 0 ? "hot" + std::to_string(g() % 5) : "cold" + std::to_string(g() % 20000);
    ++truth[key];
    out.push_back(std::move(key));
  }
  return out;
}

/// Every held key's true count lies in [count - error, count] and error <= N / m.
void check_bounds(const space_saving& s, const std::map<std::string, std::uint64_t>& truth) {
  for (const auto& e : s.top(s.capacity())) {
    auto it = truth.find(std::string(e.key));
    const std::uint64_t real = it == truth.end() ? 0 : it->second;
    INFO("key " << e.key << ": count " << e.count << ", error " << e.error << ", true " << real);
    CHECK(e.count >= real);
    CHECK(e.count - e.error <= real);
    CHECK(e.error <= s.total() / s.capacity());
  }
}

} // namespace

TEST_CASE("space-saving counts exactly while it has a counter for every key") {
  space_saving s(10);
  for (int i = 0; i < 5; ++i) add(s, "a");
  for (int i = 0; i < 3; ++i) add(s, "b");
  add(s, "c", 4);
  auto top = s.top(2);
  REQUIRE(top.size() == 2);
  CHECK(top[0].key == "a");
  CHECK(top[0].count == 5);
  CHECK(top[0].error == 0);
  CHECK(top[1].key == "c");
  CHECK(top[1].count == 4);
  CHECK(s.total() == 12);
  CHECK(s.min_count() == 0);
}

TEST_CASE("space-saving finds the planted heavy items within N over m") {
  std::map<std::string, std::uint64_t> truth;
  space_saving s(100);
  for (const auto& key : planted_stream(1, truth)) add(s, key);
  auto top = s.top(5);
  REQUIRE(top.size() == 5);
  for (const auto& e : top) CHECK(e.key.substr(0, 3) == "hot");
  CHECK(s.total() == 100000);
  check_bounds(s, truth);
}

TEST_CASE("a new key in a full space-saving summary inherits the smallest count as its error") {
  space_saving s(2);
  add(s, "a", 3);
  add(s, "b", 1);
  add(s, "c");
  auto top = s.top(2);
  CHECK(top[0].key == "a");
  CHECK(top[1].key == "c");
  CHECK(top[1].count == 2);
  CHECK(top[1].error == 1);
}

TEST_CASE("merging two space-saving summaries keeps the planted items and the bounds") {
  std::map<std::string, std::uint64_t> truth;
  space_saving a(100), b(100);
  auto first = planted_stream(2, truth);
  auto second = planted_stream(3, truth);
  for (const auto& key : first) add(a, key);
  for (const auto& key : second) add(b, key);
  a.merge(b);
  CHECK(a.total() == 200000);
  CHECK(a.size() == 100);
  auto top = a.top(5);
  for (const auto& e : top) CHECK(e.key.substr(0, 3) == "hot");
  check_bounds(a, truth);
}

TEST_CASE("merging into an empty space-saving summary copies the other") {
  space_saving a(4), b(4);
  add(b, "x", 7);
  add(b, "y", 2);
  a.merge(b);
  auto top = a.top(4);
  REQUIRE(top.size() == 2);
  CHECK(top[0].key == "x");
  CHECK(top[0].count == 7);
  CHECK(top[0].error == 0);
}

TEST_CASE("the key table finds every key after inserts and rekeys") {
  key_table t;
  std::unordered_map<std::string, std::size_t> model; // key -> slot
  std::vector<std::string> slot_keys;
  std::mt19937_64 g(9);
  for (int i = 0; i < 20000; ++i) {
    std::string key = "k" + std::to_string(g() % 5000);
    std::size_t found = t.find(hash_bytes(key), key);
    auto it = model.find(key);
    REQUIRE((found == key_table::npos) == (it == model.end()));
    if (it != model.end()) {
      REQUIRE(found == it->second);
      continue;
    }
    if (t.size() < 1000) {
      std::size_t slot = t.insert(hash_bytes(key), key);
      REQUIRE(slot == slot_keys.size());
      slot_keys.push_back(key);
      model[key] = slot;
    } else { // evict a random slot's key, as the sketches do
      std::size_t slot = g() % t.size();
      model.erase(slot_keys[slot]);
      t.rekey(slot, hash_bytes(key), key);
      slot_keys[slot] = key;
      model[key] = slot;
    }
  }
  for (const auto& [key, slot] : model) CHECK(t.find(hash_bytes(key), key) == slot);
  CHECK(t.size() == 1000);
}
