#pragma once

// The runtime headers the view uses beyond model/core_headers.hpp (no
// include-order rule: the editor builds with QT_NO_EMIT, see there).

#include "model/core_headers.hpp"

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/time.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"
#include "sluice/ops/builtin.hpp"
