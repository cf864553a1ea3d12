#pragma once

// The runtime headers the editor uses. Editor code is built with
// QT_NO_EMIT (editor/CMakeLists.txt): core's emitter has a member function
// named `emit`, which Qt's empty `emit` macro would erase, so the editor
// signals with Q_EMIT and these headers can come in any order.

#ifdef emit
#error "build editor code with QT_NO_EMIT (link sluice_editor_model) and use Q_EMIT"
#endif

#include "sluice/core/descriptor.hpp"
#include "sluice/core/pipeline/document.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/core/registry.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/observe/metrics_frame.hpp"
