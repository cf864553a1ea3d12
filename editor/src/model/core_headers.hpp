#pragma once

// The runtime headers the editor uses, included with Qt's `emit` macro
// switched off: core's emitter has a member function named `emit`, which
// the macro (empty) would erase when a Qt header came first. Include this
// instead of the runtime headers themselves in editor code.

#ifdef emit
#pragma push_macro("emit")
#undef emit
#define SLUICE_EDITOR_RESTORE_EMIT
#endif

#include "sluice/core/descriptor.hpp"
#include "sluice/core/pipeline/document.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/core/registry.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/observe/metrics_frame.hpp"

#ifdef SLUICE_EDITOR_RESTORE_EMIT
#pragma pop_macro("emit")
#undef SLUICE_EDITOR_RESTORE_EMIT
#endif
