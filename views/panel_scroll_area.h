// The scroll area a panel sits in inside its dock. The panel fills the dock
// when the dock is large enough and scrolls, at its minimum size, in the
// direction where the dock is too small. Without it the panels' minimum
// sizes add up and the window cannot be smaller than a large monitor.
//
// QScrollArea's own widgetResizable mode is not enough: for a panel with
// word-wrapped labels (height-for-width) it sizes the panel to its
// preferred height, not its minimum, so a panel that would fit scrolls.
#pragma once

#include <QScrollArea>

namespace recdiff::views {

class PanelScrollArea : public QScrollArea {
  Q_OBJECT

 public:
  explicit PanelScrollArea(QWidget* panel, QWidget* parent = nullptr);

  QSize sizeHint() const override;  // the panel's own, so docks ask for what it wants

 protected:
  void resizeEvent(QResizeEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void fitPanel();
};

}  // namespace recdiff::views
