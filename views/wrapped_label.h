// A word-wrapped rich-text label whose minimum height is what its text
// needs at its current width. Panels are sized from their minimum sizes
// (PanelScrollArea), and QLabel's own minimum assumes a wider line than a
// narrow dock gives it: the extra lines would then overlap the widgets
// below (the Interests panel's figures, two panes side by side). It
// reports no height-for-width: box layouts then size it by that minimum
// like any other widget (their height-for-width path sizes it by its
// preferred height and squeezes its neighbours below theirs), and a new
// width asks the layout again.
#pragma once

#include <QLabel>

namespace recdiff::views {

class WrappedLabel : public QLabel {
 public:
  explicit WrappedLabel(QWidget* parent = nullptr);
  explicit WrappedLabel(const QString& text, QWidget* parent = nullptr);

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;
  bool hasHeightForWidth() const override { return false; }

 protected:
  void resizeEvent(QResizeEvent* event) override;
};

}  // namespace recdiff::views
