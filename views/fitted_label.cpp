#include "views/fitted_label.h"

namespace recdiff::views {

FittedLabel::FittedLabel(QWidget* parent) : QLabel(parent) { setWordWrap(true); }

void FittedLabel::setWrappedText(const QString& text) {
  setText(text);
  fitHeight();
}

void FittedLabel::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  fitHeight();  // a new width: a new number of lines
}

void FittedLabel::fitHeight() {
  // Only the width decides the height here, so this settles after one pass.
  const int needed = text().isEmpty() ? 0 : heightForWidth(width());
  if (needed >= 0 && needed != minimumHeight()) setMinimumHeight(needed);
}

}  // namespace recdiff::views
