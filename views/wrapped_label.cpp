#include "views/wrapped_label.h"

#include <QResizeEvent>

#include <algorithm>

namespace recdiff::views {

WrappedLabel::WrappedLabel(QWidget* parent) : WrappedLabel(QString(), parent) {}

WrappedLabel::WrappedLabel(const QString& text, QWidget* parent) : QLabel(text, parent) {
  setWordWrap(true);
  setTextFormat(Qt::RichText);
}

QSize WrappedLabel::minimumSizeHint() const {
  QSize size = QLabel::minimumSizeHint();
  if (width() > 0 && !text().isEmpty()) size.setHeight(std::max(size.height(), heightForWidth(width())));
  return size;
}

QSize WrappedLabel::sizeHint() const { return {QLabel::sizeHint().width(), minimumSizeHint().height()}; }

void WrappedLabel::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  // A new width means another number of lines: ask the layout again.
  if (event->oldSize().width() != width()) updateGeometry();
}

}  // namespace recdiff::views
