// Functions over any type: coalesce, if, nullif, greatest, least, hash.

#include <xxhash.h>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/functions.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/typing.hpp"
#include "sluice/core/hashing.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

// Brings arguments [first, end) to their one common type, or fails.
std::optional<vt> unify_args(call_site& site, std::size_t first = 0) {
  std::vector<node_ptr> values;
  for (std::size_t k = first; k < site.args.size(); ++k) values.push_back(site.args[k].n);
  std::size_t clash = 0;
  auto t = unify(values, clash);
  if (!t && clash < values.size()) site.mismatch();
  if (t)
    for (std::size_t k = first; k < site.args.size(); ++k)
      site.args[k].n = coerce(site.args[k].n, *t);
  return t;
}

node_ptr build_coalesce(call_site& site) {
  if (!unify_args(site)) return site.args[0].n; // all NULL
  return make_coalesce(site.nodes());
}

node_ptr build_if(call_site& site) {
  if (!site.accept(0, vt::boolean)) site.mismatch();
  if (!unify_args(site, 1)) return site.args[1].n;
  return make_case({{site.args[0].n, site.args[1].n}}, site.args[2].n);
}

node_ptr build_nullif(call_site& site) {
  if (!unify_args(site)) return site.args[0].n;
  node_ptr a = site.args[0].n;
  if (!comparable(a->type(), site.type(1))) site.mismatch();
  return make_case({{make_compare(compare_op::eq, a, site.args[1].n), make_null(a->type())}}, a);
}

// greatest / least: nulls are skipped; null only when every argument is.
template <bool greatest>
void pick(kernel_io& io) {
  std::size_t n = io.rows;
  std::vector<std::uint8_t> valid(n, 0);
  auto better = [](const auto& a, const auto& b) { return greatest ? b < a : a < b; };
  auto scan = [&](auto&& with_reader, auto& best) {
    for (const auto& a : io.args)
      with_reader(a, [&](auto r) {
        for (std::size_t i = 0; i < n; ++i)
          if (a.valid_at(i) && (!valid[i] || better(r[i], best[i]))) best[i] = r[i], valid[i] = 1;
      });
  };
  switch (io.out.type()) {
    case vt::int64:
    case vt::timestamp:
      io.out.ints.assign(n, 0);
      scan([](const operand& o, auto f) { with_number_reader<std::int64_t>(o, f); }, io.out.ints);
      break;
    case vt::float64:
      io.out.doubles.assign(n, 0);
      scan([](const operand& o, auto f) { with_number_reader<double>(o, f); }, io.out.doubles);
      break;
    case vt::boolean:
      io.out.bools.assign(n, 0);
      scan([](const operand& o, auto f) { with_bool_reader(o, f); }, io.out.bools);
      break;
    case vt::string: {
      std::vector<std::string_view> best(n);
      scan([](const operand& o, auto f) { with_string_reader(o, f); }, best);
      string_writer w(io.out, n);
      for (std::size_t i = 0; i < n; ++i) {
        w.add(best[i]);
        w.end_row();
      }
      break;
    }
  }
  for (auto v : valid)
    if (!v) {
      io.out.valid = std::move(valid);
      break;
    }
}

template <bool greatest>
node_ptr build_extreme(call_site& site) {
  auto t = unify_args(site);
  if (!t) return site.args[0].n;
  return make_call(*t, site.nodes(), pick<greatest>, null_rule::kernel_decides);
}

// hash(x, ...): xxh3 of each value (as hash_column computes it, a null
// hashing to a fixed value), chained with the previous hash as seed.
node_ptr build_hash(call_site& site) {
  for (auto& a : site.args) a.n = typed_as(a.n, vt::string);
  return make_call(
    vt::int64, site.nodes(),
    [](kernel_io& io) {
      std::size_t n = io.rows;
      std::vector<std::uint64_t> h, next;
      for (std::size_t k = 0; k < io.args.size(); ++k) {
        const operand& a = io.args[k];
        if (a.lit) {
          column one(a.lit->type);
          switch (a.lit->type) {
            case vt::int64:
            case vt::timestamp: one.append_int(a.lit->i); break;
            case vt::float64: one.append_double(a.lit->d); break;
            case vt::boolean: one.append_bool(a.lit->b); break;
            case vt::string: one.append_string(a.lit->s); break;
          }
          hash_column(one, next);
          next.assign(n, next[0]);
        } else {
          hash_column(*a.col, next);
        }
        if (k == 0) h.swap(next);
        else
          for (std::size_t i = 0; i < n; ++i)
            h[i] = XXH3_64bits_withSeed(&next[i], sizeof next[i], h[i]);
      }
      io.out.ints.resize(n);
      for (std::size_t i = 0; i < n; ++i) io.out.ints[i] = static_cast<std::int64_t>(h[i]);
    },
    null_rule::kernel_decides);
}

} // namespace

const std::vector<function_def>& misc_functions() {
  static const std::vector<function_def> table = {
    {"coalesce", "coalesce(T, T, ...) -> T", 1, variadic, build_coalesce},
    {"if", "if(condition bool, then T, else T) -> T", 3, 3, build_if},
    {"nullif", "nullif(T, T) -> T", 2, 2, build_nullif},
    {"greatest", "greatest(T, T, ...) -> T", 1, variadic, build_extreme<true>},
    {"least", "least(T, T, ...) -> T", 1, variadic, build_extreme<false>},
    {"hash", "hash(any, ...) -> int", 1, variadic, build_hash},
  };
  return table;
}

} // namespace sluice::core::expr
