// The log dock: what the studio did, with times — datasets read, runs
// started and finished, files saved, and every error shown elsewhere.
#pragma once

#include <QPlainTextEdit>

namespace recdiff::views {

class LogPanel : public QPlainTextEdit {
  Q_OBJECT

 public:
  enum class Level { Info, Warning, Error };
  explicit LogPanel(QWidget* parent = nullptr);

 public Q_SLOTS:
  void append(const QString& message, recdiff::views::LogPanel::Level level = Level::Info);
};

}  // namespace recdiff::views
