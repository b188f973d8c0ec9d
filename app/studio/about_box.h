// The About box and `recdiff-studio --version`: the studio's version and the
// libraries it runs on (Qt, LibTorch, CUDA when present, BLAS, OpenCV,
// Eigen, nlohmann-json), from one list so that the two cannot disagree.
#pragma once

#include <QString>

class QWidget;

namespace recdiff::studio {

QString aboutText();    // rich text, for the About box
QString versionText();  // plain lines, for --version
void showAbout(QWidget* parent);

}  // namespace recdiff::studio
