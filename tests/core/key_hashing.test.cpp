#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/key_hashing.hpp"

using namespace sluice::core;
using namespace std::string_literals;

namespace {

using hashes = std::vector<std::uint64_t>;

hashes hash_of(std::vector<const column*> cols) {
  hashes out, scratch;
  hash_keys(cols.data(), cols.size(), cols.empty() ? 0 : cols[0]->size(), out, scratch);
  return out;
}

column ints(std::vector<std::int64_t> values) {
  column c(value_type::int64);
  for (auto v : values) c.append_int(v);
  return c;
}

column doubles(std::vector<double> values) {
  column c(value_type::float64);
  for (auto v : values) c.append_double(v);
  return c;
}

column strings(std::vector<std::string> values) {
  column c(value_type::string);
  for (const auto& v : values) c.append_string(v);
  return c;
}

/// A NaN whose bits differ from std::nan("")'s: the sign and a payload set.
double other_nan() {
  std::uint64_t bits = 0xfff8000000000123ULL;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool equal_rows(const std::vector<const column*>& a, std::size_t ra,
                const std::vector<const column*>& b, std::size_t rb, null_rule rule) {
  return keys_equal(a.data(), ra, b.data(), rb, a.size(), rule);
}

std::string encoded(const std::vector<const column*>& cols, std::size_t row) {
  std::string out;
  for (const column* c : cols) append_value_key(*c, row, out);
  return out;
}

} // namespace

TEST_CASE("equal keys hash equally across batches and column layouts") {
  // Batch 1: (user, page) at columns 0 and 1, no nulls anywhere.
  auto s1 = make_schema({{"user", value_type::string}, {"page", value_type::int64}});
  batch_builder b1(s1);
  for (auto [u, p] : std::vector<std::pair<std::string, std::int64_t>>{{"ann", 1}, {"bob", 2}}) {
    b1.column_at(0).append_string(u);
    b1.column_at(1).append_int(p);
  }
  auto first = b1.finish();

  // Batch 2: other fields around them, in another order, with a validity
  // vector (a null row first) and the strings at other offsets.
  auto s2 = make_schema(
    {{"x", value_type::float64}, {"page", value_type::int64}, {"user", value_type::string}});
  batch_builder b2(s2);
  b2.column_at(0).append_double(1.5);
  b2.column_at(1).append_null();
  b2.column_at(2).append_null();
  for (auto [u, p] : std::vector<std::pair<std::string, std::int64_t>>{{"bob", 2}, {"ann", 1}}) {
    b2.column_at(0).append_double(0);
    b2.column_at(1).append_int(p);
    b2.column_at(2).append_string(u);
  }
  auto second = b2.finish();
  REQUIRE(second->col(1).has_nulls());

  hashes h1, h2, scratch;
  hash_keys(*first, std::vector<std::size_t>{0, 1}, h1, scratch);
  hash_keys(*second, std::vector<int>{2, 1}, h2, scratch);
  CHECK(h1[0] == h2[2]); // ann, 1
  CHECK(h1[1] == h2[1]); // bob, 2
  CHECK(h1[0] != h1[1]);

  // Column pointers give what the batch forms give; a slice too.
  CHECK(hash_of({&first->col(0), &first->col(1)}) == h1);
  auto tail = second->slice(1, 3);
  CHECK(hash_of({&tail->col(2), &tail->col(1)}) == hashes{h2[1], h2[2]});
}

TEST_CASE("a key of one field hashes as its column does") {
  auto c = strings({"a", "b", "a"});
  hashes expected;
  hash_column(c, expected);
  CHECK(hash_of({&c}) == expected);
  CHECK(expected[0] == expected[2]);
  for (std::size_t r = 0; r < c.size(); ++r) CHECK(hash_value(c, r) == expected[r]);
}

TEST_CASE("a key of several fields depends on every field and on their order") {
  auto a = ints({1, 1, 2, 7});
  auto b = ints({2, 3, 1, 7});
  auto h = hash_of({&a, &b});
  CHECK(std::set<std::uint64_t>(h.begin(), h.end()).size() == 4);
  // (1, 2) and (2, 1) differ, and neither is a one-field hash.
  CHECK(h[0] != h[2]);
  CHECK(h[0] != hash_of({&a})[0]);
  // (7, 7): equal fields do not cancel out.
  CHECK(h[3] != hash_of({&a})[3]);
  CHECK(h[3] != empty_key_hash);
  CHECK(h == hash_of({&a, &b}));
}

TEST_CASE("a key with no field hashes every row alike") {
  auto s = make_schema({{"n", value_type::int64}});
  batch_builder bb(s);
  for (int i = 0; i < 3; ++i) bb.column_at(0).append_int(i);
  auto b = bb.finish();
  hashes out, scratch;
  hash_keys(*b, std::vector<int>{}, out, scratch);
  CHECK(out == hashes(3, empty_key_hash));
  CHECK(hash_of({}).empty());
}

TEST_CASE("with nulls_equal a null equals null and nothing else") {
  auto k = ints({1, 1, 2});
  auto v = strings({"x", "x", "x"});
  k.append_null();
  v.append_string("x");
  k.append_null();
  v.append_string("x");
  std::vector<const column*> key{&k, &v};
  CHECK(equal_rows(key, 3, key, 4, null_rule::nulls_equal)); // (null, x) twice
  CHECK(equal_rows(key, 3, key, 3, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(key, 3, key, 0, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(key, 0, key, 3, null_rule::nulls_equal));
  CHECK(equal_rows(key, 0, key, 1, null_rule::nulls_equal));
  auto h = hash_of(key);
  CHECK(h[3] == h[4]);
  CHECK(h[3] != h[0]);
  CHECK(encoded(key, 3) == encoded(key, 4));
  CHECK(encoded(key, 3) != encoded(key, 0));
}

TEST_CASE("with nulls_never_match a key with a null field matches nothing, not even itself") {
  auto k = ints({1, 1});
  auto v = strings({"x", "x"});
  k.append_null();
  v.append_string("x");
  std::vector<const column*> key{&k, &v};
  CHECK(equal_rows(key, 0, key, 1, null_rule::nulls_never_match));
  CHECK_FALSE(equal_rows(key, 2, key, 2, null_rule::nulls_never_match));
  CHECK_FALSE(equal_rows(key, 2, key, 0, null_rule::nulls_never_match));
  CHECK_FALSE(equal_rows(key, 0, key, 2, null_rule::nulls_never_match));
  CHECK(key_has_null(key.data(), key.size(), 2));
  CHECK_FALSE(key_has_null(key.data(), key.size(), 0));
  // Only the equality differs: the hashes are the same under both rules.
  CHECK(hash_of(key)[0] == hash_of(key)[1]);
}

TEST_CASE("keys hold -0.0 as 0.0 and every NaN as one value, in hashes, equality and bytes") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto d = doubles({0.0, -0.0, nan, other_nan(), 1.0});
  REQUIRE(std::signbit(d.doubles[1]));
  std::vector<const column*> key{&d};
  for (auto rule : {null_rule::nulls_equal, null_rule::nulls_never_match}) {
    CHECK(equal_rows(key, 0, key, 1, rule));
    CHECK(equal_rows(key, 2, key, 3, rule));
    CHECK(equal_rows(key, 2, key, 2, rule));
    CHECK_FALSE(equal_rows(key, 2, key, 4, rule));
    CHECK_FALSE(equal_rows(key, 0, key, 2, rule));
  }
  auto h = hash_of(key);
  CHECK(h[0] == h[1]);
  CHECK(h[2] == h[3]);
  CHECK(h[0] != h[2]);
  CHECK(encoded(key, 0) == encoded(key, 1));
  CHECK(encoded(key, 2) == encoded(key, 3));
  CHECK(encoded(key, 0) != encoded(key, 4));
}

TEST_CASE("strings with embedded NULs hash, compare and encode by all their bytes") {
  auto s = strings({"a\0b"s, "a\0c"s, "a"s, "a\0b"s, ""s, "\0"s});
  std::vector<const column*> key{&s};
  auto h = hash_of(key);
  CHECK(h[0] == h[3]);
  CHECK(std::set<std::uint64_t>{h[0], h[1], h[2], h[4], h[5]}.size() == 5);
  CHECK(equal_rows(key, 0, key, 3, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(key, 0, key, 1, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(key, 0, key, 2, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(key, 4, key, 5, null_rule::nulls_equal));
  CHECK(encoded(key, 0) == encoded(key, 3));
  CHECK(encoded(key, 0) != encoded(key, 1));

  // The encoding of a key of two strings is unambiguous: ("a\0", "b") and
  // ("a", "\0b") have the same bytes end to end, but differ as keys.
  auto x = strings({"a\0"s, "a"s});
  auto y = strings({"b"s, "\0b"s});
  std::vector<const column*> pair{&x, &y};
  CHECK(encoded(pair, 0) != encoded(pair, 1));
  CHECK_FALSE(equal_rows(pair, 0, pair, 1, null_rule::nulls_equal));
  CHECK(hash_of(pair)[0] != hash_of(pair)[1]);
}

TEST_CASE("keys compare across batches and the tables that hold stored keys") {
  // A stored key table (as a window's groups or a lookup table hold them)
  // and a batch arriving later, with other rows around the same keys.
  column stored_id = ints({10, 20});
  column stored_name = strings({"ten", "twenty"});
  stored_id.append_null();
  stored_name.append_string("none");
  std::vector<const column*> table{&stored_id, &stored_name};

  auto s = make_schema({{"name", value_type::string}, {"id", value_type::int64}});
  batch_builder bb(s);
  bb.column_at(0).append_string("twenty");
  bb.column_at(1).append_int(20);
  bb.column_at(0).append_string("none");
  bb.column_at(1).append_null();
  bb.column_at(0).append_string("ten");
  bb.column_at(1).append_int(11);
  auto b = bb.finish();
  std::vector<const column*> incoming;
  key_columns(*b, {1, 0}, incoming);

  CHECK(equal_rows(incoming, 0, table, 1, null_rule::nulls_equal));
  CHECK(equal_rows(incoming, 1, table, 2, null_rule::nulls_equal));
  CHECK_FALSE(equal_rows(incoming, 1, table, 2, null_rule::nulls_never_match));
  CHECK_FALSE(equal_rows(incoming, 2, table, 0, null_rule::nulls_equal));

  auto hb = hash_of(incoming);
  auto ht = hash_of(table);
  CHECK(hb[0] == ht[1]);
  CHECK(hb[1] == ht[2]);
}

TEST_CASE("an encoded key decodes to its values and hashes as hash_keys does") {
  column i = ints({5, -1, 0});
  column t(value_type::timestamp);
  for (std::int64_t v : {1000, 0, 7}) t.append_int(v);
  column d = doubles({-0.0, 2.5, other_nan()});
  column b(value_type::boolean);
  for (bool v : {true, false, true}) b.append_bool(v);
  column s = strings({"x\0y"s, ""s, "long enough to be past any small buffer"s});
  for (column* c : {&i, &t, &d, &b, &s}) c->append_null();
  std::vector<const column*> key{&i, &t, &d, &b, &s};
  const std::vector<value_type> types{value_type::int64, value_type::timestamp, value_type::float64,
                                      value_type::boolean, value_type::string};
  auto h = hash_of(key);
  std::vector<column> decoded;
  for (auto type : types) decoded.emplace_back(type);
  for (std::size_t r = 0; r < i.size(); ++r) {
    std::string bytes = encoded(key, r);
    CHECK(hash_encoded_key(bytes, types) == h[r]);
    std::string_view in = bytes;
    for (std::size_t k = 0; k < types.size(); ++k) read_value_key(in, types[k], decoded[k]);
    CHECK(in.empty());
  }
  std::vector<const column*> back;
  for (const auto& c : decoded) back.push_back(&c);
  for (std::size_t r = 0; r < i.size(); ++r)
    CHECK(equal_rows(back, r, key, r, null_rule::nulls_equal));
  CHECK_FALSE(std::signbit(decoded[2].doubles[0])); // -0.0 comes back as 0.0
  CHECK(hash_of(back) == h);

  // append_key encodes a batch's fields the same way.
  auto schema = make_schema({{"s", value_type::string}, {"i", value_type::int64}});
  batch_builder bb(schema);
  bb.column_at(0).append_string("x\0y"s);
  bb.column_at(1).append_int(5);
  auto one = bb.finish();
  std::string bytes;
  append_key(*one, {1, 0}, 0, bytes);
  std::vector<const column*> is{&i, &s};
  CHECK(bytes == encoded(is, 0));
}

TEST_CASE("a record's partition is a function of its key alone, spread over the instances") {
  std::vector<std::string> names;
  for (int k = 0; k < 4000; ++k) names.push_back("user" + std::to_string(k));
  auto forward = strings(names);
  std::vector<std::string> reversed(names.rbegin(), names.rend());
  auto backward = strings(reversed);
  auto hf = hash_of({&forward});
  auto hb = hash_of({&backward});
  const std::size_t n = 4;
  std::vector<std::size_t> per_instance(n, 0);
  // Of the keys instance 0 gets, the low bits of their hashes (which the
  // instance's own hash tables index by) still take every value.
  std::set<std::uint64_t> low_bits;
  for (std::size_t r = 0; r < names.size(); ++r) {
    const std::size_t p = partition_of(hf[r], n);
    REQUIRE(p < n);
    CHECK(p == partition_of(hb[names.size() - 1 - r], n));
    ++per_instance[p];
    if (p == 0) low_bits.insert(hf[r] & 3);
  }
  for (auto count : per_instance) CHECK((count > 800 && count < 1200));
  CHECK(low_bits.size() == 4);
  CHECK(partition_of(hf[0], 1) == 0);
}

TEST_CASE(
  "encoded_key_fits takes every whole encoded key and refuses cut, padded or mistyped bytes") {
  column i = ints({5});
  column s = strings({"abc"s});
  column b(value_type::boolean);
  b.append_bool(true);
  i.append_null();
  s.append_null();
  b.append_null();
  std::vector<const column*> key{&i, &s, &b};
  const std::vector<value_type> types{value_type::int64, value_type::string, value_type::boolean};
  for (std::size_t r = 0; r < 2; ++r) {
    const std::string bytes = encoded(key, r);
    CHECK(encoded_key_fits(bytes, types));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut)
      CHECK_FALSE(encoded_key_fits(bytes.substr(0, cut), types));
    CHECK_FALSE(encoded_key_fits(bytes + '\0', types));
  }
  const std::string valued = encoded(key, 0);
  // A string whose length runs past the bytes.
  std::string long_string = valued;
  long_string[10] = '\x7f';
  CHECK_FALSE(encoded_key_fits(long_string, types));
  // A tag byte that is neither null (0) nor value (1), a boolean that is neither 0 nor 1.
  std::string bad_tag = valued;
  bad_tag[0] = 2;
  CHECK_FALSE(encoded_key_fits(bad_tag, types));
  std::string bad_bool = valued;
  bad_bool.back() = 2;
  CHECK_FALSE(encoded_key_fits(bad_bool, types));
  // The same bytes read as other types.
  CHECK_FALSE(
    encoded_key_fits(valued, {value_type::string, value_type::int64, value_type::boolean}));
  CHECK(encoded_key_fits("", {}));
}
