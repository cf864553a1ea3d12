// x [NOT] IN (constant, ...): a sorted set probed by binary search.

#include <algorithm>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

// The items as one sorted vector of the kind x is compared as.
struct item_set {
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  bool has_true = false, has_false = false;
};

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

item_set make_set(value_type x, const std::vector<scalar>& items) {
  item_set set;
  for (const auto& s : items) {
    switch (x) {
      case value_type::int64:
      case value_type::timestamp: set.ints.push_back(s.i); break;
      case value_type::float64:
        set.doubles.push_back(s.type == value_type::float64 ? s.d : static_cast<double>(s.i));
        break;
      case value_type::boolean: (s.b ? set.has_true : set.has_false) = true; break;
      case value_type::string: set.strings.push_back(s.s); break;
    }
  }
  sort_unique(set.ints);
  sort_unique(set.doubles);
  sort_unique(set.strings);
  return set;
}

template <class V, class T>
bool contains(const V& sorted, const T& v) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), v);
  return it != sorted.end() && *it == v;
}

} // namespace

node_ptr make_in_set(node_ptr x, std::vector<scalar> items, bool has_null, bool negated) {
  value_type t = x->type();
  // int x against a double item compares as double.
  for (const auto& s : items)
    if (t == value_type::int64 && s.type == value_type::float64) t = value_type::float64;
  auto set = std::make_shared<const item_set>(make_set(t, items));
  auto kernel = [set, t, has_null, negated](kernel_io& io) {
    // found -> !negated; not found -> null if the list had a null, else negated
    auto answer = [&](std::size_t i, bool found) -> std::uint8_t {
      if (!found && has_null) io.null_at(i);
      return found != negated;
    };
    const operand& x = io.args[0];
    switch (t) {
      case value_type::int64:
      case value_type::timestamp:
        with_number_reader<std::int64_t>(x, [&](auto r) {
          fill_rows(io, io.out.bools, [&](auto i) { return answer(i, contains(set->ints, r[i])); });
        });
        break;
      case value_type::float64:
        with_number_reader<double>(x, [&](auto r) {
          fill_rows(io, io.out.bools,
                    [&](auto i) { return answer(i, contains(set->doubles, r[i])); });
        });
        break;
      case value_type::boolean:
        with_bool_reader(x, [&](auto r) {
          fill_rows(io, io.out.bools,
                    [&](auto i) { return answer(i, r[i] ? set->has_true : set->has_false); });
        });
        break;
      case value_type::string:
        with_string_reader(x, [&](auto r) {
          fill_rows(io, io.out.bools, [&](auto i) {
            auto it =
              std::lower_bound(set->strings.begin(), set->strings.end(), r[i],
                               [](const std::string& a, std::string_view b) { return a < b; });
            return answer(i, it != set->strings.end() && *it == r[i]);
          });
        });
        break;
    }
  };
  bool constant = is_null_constant(x) || x->constant();
  node_ptr n = make_call(value_type::boolean, {std::move(x)}, kernel);
  return constant ? fold_constant(n) : n;
}

} // namespace sluice::core::expr
