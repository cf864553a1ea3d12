// The function table: lookup, argument checks and the errors they give.

#include "sluice/core/expr/functions.hpp"

#include <algorithm>

#include "sluice/core/expr/lexer.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/typing.hpp"

namespace sluice::core::expr {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

template <class F>
void for_each_function(F&& f) {
  for (const auto* table :
       {&string_functions(), &math_functions(), &time_functions(), &misc_functions()})
    for (const auto& def : *table) f(def);
}

// "unknown function 'lowr' (did you mean lower?)": names within one edit
// (two for names longer than 4), or that start with what was written.
[[noreturn]] void unknown(const call_site& site, const std::string& name) {
  std::vector<std::pair<std::size_t, std::string_view>> close;
  for_each_function([&](const function_def& def) {
    std::size_t d = edit_distance(name, def.name);
    bool prefix = name.size() >= 3 && def.name.substr(0, name.size()) == name;
    if (d <= (name.size() <= 4 ? 1u : 2u) || prefix) close.emplace_back(prefix ? 0 : d, def.name);
  });
  std::sort(close.begin(), close.end());
  std::string message = "unknown function '" + std::string(site.name) + "'";
  if (!close.empty()) {
    message += " (did you mean ";
    for (std::size_t k = 0; k < close.size() && k < 3; ++k)
      message += (k ? ", " : "") + std::string(close[k].second);
    message += "?)";
  }
  fail_at(site.text, site.offset, message);
}

std::string types_of(const call_site& site) {
  std::string out;
  for (std::size_t k = 0; k < site.args.size(); ++k) {
    out += k ? ", " : "";
    out += site.is_null(k) ? "null" : std::string(name_of(site.type(k)));
  }
  return out;
}

} // namespace

bool call_site::is_null(std::size_t k) const { return is_untyped_null(args[k].n); }

bool call_site::accept(std::size_t k, value_type t) {
  args[k].n = typed_as(args[k].n, t);
  return args[k].n->type() == t;
}

bool call_site::accept_number(std::size_t k) {
  args[k].n = typed_as(args[k].n, value_type::int64);
  return is_numeric(args[k].n->type());
}

std::vector<node_ptr> call_site::nodes() const {
  std::vector<node_ptr> out;
  for (const auto& a : args) out.push_back(a.n);
  return out;
}

void call_site::mismatch() const {
  fail_at(text, offset,
          std::string(def->name) + "() does not take (" + types_of(*this) + "); expected "
            + std::string(def->signature));
}

void call_site::fail_at_arg(std::size_t k, const std::string& message) const {
  fail_at(text, args[k].offset, message);
}

node_ptr compile_call(call_site& site) {
  std::string name = lower(site.name);
  for_each_function([&](const function_def& def) {
    if (!site.def && def.name == name) site.def = &def;
  });
  if (!site.def) unknown(site, name);
  const function_def& def = *site.def;
  std::size_t n = site.args.size();
  if (n < def.min_args || n > def.max_args)
    fail_at(site.text, site.offset,
            std::string(def.name) + "() takes "
              + (def.max_args == variadic ? "at least " + std::to_string(def.min_args)
                 : def.min_args == def.max_args
                   ? std::to_string(def.min_args)
                   : std::to_string(def.min_args) + " to " + std::to_string(def.max_args))
              + " argument"
              + (def.min_args == 1 && (def.max_args == 1 || def.max_args == variadic) ? "" : "s")
              + ", got " + std::to_string(n) + "; expected " + std::string(def.signature));
  bool constant = std::all_of(site.args.begin(), site.args.end(),
                              [](const call_arg& a) { return is_constant(a.n); });
  node_ptr out = def.build(site);
  return constant && !is_null_constant(out) && !out->constant() ? fold_constant(out) : out;
}

} // namespace sluice::core::expr
