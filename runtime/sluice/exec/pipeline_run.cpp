#include "sluice/exec/pipeline_run.hpp"
