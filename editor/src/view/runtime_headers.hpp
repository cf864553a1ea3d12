#pragma once

// The runtime headers the view uses beyond model/core_headers.hpp, with
// Qt's `emit` macro switched off around them (core's emitter has a member
// named `emit`). Include this, not the runtime headers themselves.

#include "model/core_headers.hpp"

#ifdef emit
#pragma push_macro("emit")
#undef emit
#define SLUICE_VIEW_RESTORE_EMIT
#endif

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/time.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"
#include "sluice/ops/builtin.hpp"

#ifdef SLUICE_VIEW_RESTORE_EMIT
#pragma pop_macro("emit")
#undef SLUICE_VIEW_RESTORE_EMIT
#endif
