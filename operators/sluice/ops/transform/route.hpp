#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.route`: sends each record to the output port of the route whose
/// boolean predicate it satisfies; records matching no route go to `default`.
///
/// `routes` is either an object {"port": "predicate", ...} or, to fix the
/// order, an array [{"port": "...", "where": "..."}, ...]. JSON objects are
/// unordered (pipeline params keep their keys sorted), so with the object
/// form the routes are tried in alphabetical order of their port names.
/// Port names use letters, digits, '_' and '-' and must not be `default` or
/// `errors`.
///
/// The output ports are dynamic (descriptor::dynamic_outputs): the route
/// ports in route order, then `default`. `mode` "first" (default) sends a
/// record to the first route it matches only; "all" sends it to every route
/// it matches (so a record can be emitted more than once). False and null
/// do not match. A record whose predicate evaluation fails goes to the
/// node's errors and to no port: in "first" mode only if no earlier route
/// matched it, in "all" mode whichever route failed. A record bound only for
/// unconnected ports is counted as filtered. A batch bound entirely for one
/// port is emitted as it is, without a copy.
core::descriptor route_descriptor();

} // namespace sluice::ops::transform
