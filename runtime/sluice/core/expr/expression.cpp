#include "sluice/core/expr/expression.hpp"
