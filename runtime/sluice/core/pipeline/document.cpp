#include "sluice/core/pipeline/document.hpp"
