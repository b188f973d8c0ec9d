#include "core/analysis/projection.h"

#include "core/analysis/pca.h"

#include <algorithm>
#include <cctype>

namespace recdiff::analysis {

Matrix project(const Matrix& embeddings, const ProjectionOptions& options, const ProgressCallback& progress) {
  switch (options.method) {
    case ProjectionMethod::Pca: {
      if (embeddings.cols() < 2) throw AnalysisError("a 2-D PCA map needs embeddings of at least 2 dimensions");
      return Pca::fit(embeddings, 2).transform(embeddings);
    }
    case ProjectionMethod::Tsne:
      return tsne(embeddings, options.tsne, progress).embedding;
    case ProjectionMethod::Umap:
      return umap(embeddings, options.umap, progress).embedding;
  }
  throw AnalysisError("unknown projection method");
}

std::string toString(ProjectionMethod method) {
  switch (method) {
    case ProjectionMethod::Pca:
      return "pca";
    case ProjectionMethod::Tsne:
      return "tsne";
    case ProjectionMethod::Umap:
      return "umap";
  }
  return "unknown";
}

std::optional<ProjectionMethod> parseProjectionMethod(const std::string& name) {
  std::string s;
  for (char c : name)
    if (c != '-' && c != '_') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "pca") return ProjectionMethod::Pca;
  if (s == "tsne") return ProjectionMethod::Tsne;
  if (s == "umap") return ProjectionMethod::Umap;
  return std::nullopt;
}

}  // namespace recdiff::analysis
