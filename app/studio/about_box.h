// The About box: the studio's version and the libraries it runs on (Qt,
// LibTorch, CUDA when present, BLAS, OpenCV, Eigen, nlohmann-json).
#pragma once

#include <QString>

class QWidget;

namespace recdiff::studio {

QString aboutText();  // rich text
void showAbout(QWidget* parent);

}  // namespace recdiff::studio
