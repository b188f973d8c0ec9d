// Precompiled header for the LibTorch translation units of recdiff_core.
// Only the core includes it; headers that views include never name torch.
#pragma once
#include <torch/torch.h>
