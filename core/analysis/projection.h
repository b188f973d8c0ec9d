// One entry point for the projection view and the CLI: embeddings -> 2-D map
// by a method chosen by name. Each method's options live in its own header.
#pragma once

#include "core/analysis/analysis_types.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"

#include <optional>
#include <string>

namespace recdiff::analysis {

enum class ProjectionMethod { Pca, Tsne, Umap };

struct ProjectionOptions {
  ProjectionMethod method = ProjectionMethod::Tsne;
  TsneOptions tsne;
  UmapOptions umap;
};

// N x d -> N x 2. PCA reports no progress (it takes well under a second);
// t-SNE and UMAP report and cancel as documented in their headers.
Matrix project(const Matrix& embeddings, const ProjectionOptions& options = {}, const ProgressCallback& progress = {});

// "pca", "tsne", "umap".
std::string toString(ProjectionMethod method);
// Accepts the names above (case-insensitive, and "t-sne"); nullopt otherwise.
std::optional<ProjectionMethod> parseProjectionMethod(const std::string& name);

}  // namespace recdiff::analysis
