// A word-wrapped label that keeps its minimum height at what its text
// needs at its current width. A panel shown at its minimum size (see
// panel_scroll_area.h) then scrolls instead of cutting the label's last
// lines: a layout's minimum size does not ask a word-wrapped label how tall
// it gets when narrow.
#pragma once

#include <QLabel>

namespace recdiff::views {

class FittedLabel : public QLabel {
 public:
  explicit FittedLabel(QWidget* parent = nullptr);

  // QLabel::setText, then the minimum height for the new text.
  void setWrappedText(const QString& text);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void fitHeight();
};

}  // namespace recdiff::views
