// A coloured, word-wrapped message strip shown at the top of a panel: the
// place where reader errors (with file and line), checkpoint and session
// problems appear. Hidden until there is something to say; the user can
// dismiss it.
#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QToolButton;

namespace recdiff::views {

class ErrorBanner : public QFrame {
  Q_OBJECT

 public:
  enum class Kind { Error, Warning, Info };

  explicit ErrorBanner(QWidget* parent = nullptr);

  void showMessage(const QString& title, const QString& details, Kind kind = Kind::Error);
  void showError(const QString& title, const QString& details) { showMessage(title, details, Kind::Error); }
  void showWarning(const QString& title, const QString& details) { showMessage(title, details, Kind::Warning); }
  void clear();

  // The plain text shown (title and details), for tests and the log.
  QString text() const;
  Kind kind() const { return kind_; }

 Q_SIGNALS:
  void dismissed();

 private:
  QLabel* icon_;
  QLabel* label_;
  QToolButton* close_;
  QString plain_;
  Kind kind_ = Kind::Error;
};

}  // namespace recdiff::views
