#pragma once

// The function table of the language: one explicit list per area (string,
// math, time, misc), looked up case-insensitively by the parser.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/expr/node.hpp"

namespace sluice::core::expr {

/// One argument of a call as parsed: its node and the byte offset where it
/// starts in the expression text.
struct call_arg {
  node_ptr n;
  std::size_t offset;
};

struct function_def;

/// A call being compiled: what a function's builder gets.
struct call_site {
  std::string_view text; ///< the whole expression, for positions
  std::string_view name; ///< as written
  std::size_t offset;    ///< byte offset of the name
  std::vector<call_arg> args;
  const function_def* def = nullptr;

  value_type type(std::size_t k) const { return args[k].n->type(); }
  /// True when argument k is an untyped NULL (which fits any type).
  bool is_null(std::size_t k) const;
  /// True when argument k is `t` (or an untyped NULL, retyped to `t`).
  bool accept(std::size_t k, value_type t);
  /// True when argument k is an int or a double (an untyped NULL becomes int).
  bool accept_number(std::size_t k);
  std::vector<node_ptr> nodes() const;

  /// Throws: wrong argument types, at the call, with the signature.
  [[noreturn]] void mismatch() const;
  /// Throws `message` at argument k.
  [[noreturn]] void fail_at_arg(std::size_t k, const std::string& message) const;
};

/// Builds the node of a call whose argument count is within range; calls
/// `site.mismatch()` when the types do not fit.
using function_builder = node_ptr (*)(call_site& site);

struct function_def {
  std::string_view name;      ///< lower case
  std::string_view signature; ///< "substr(string, int[, int]) -> string"
  std::size_t min_args;
  std::size_t max_args; ///< `variadic` for no limit
  function_builder build;
};

constexpr std::size_t variadic = static_cast<std::size_t>(-1);

const std::vector<function_def>& string_functions();
const std::vector<function_def>& math_functions();
const std::vector<function_def>& time_functions();
const std::vector<function_def>& misc_functions();

/// Compiles a call: looks `site.name` up (ignoring case), checks the count
/// of arguments and builds the node, folded when every argument is constant.
/// Throws expression_error at the name for an unknown function (naming close
/// names) or a wrong argument count or types (naming the signature).
node_ptr compile_call(call_site& site);

/// How many regular expressions were compiled so far (for tests: a constant
/// pattern is compiled once, when the expression is).
std::size_t regex_compilations();

} // namespace sluice::core::expr
