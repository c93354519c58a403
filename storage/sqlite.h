#pragma once
// Small RAII wrappers around the SQLite C API. Every error becomes a StorageError whose
// message names the database file, so a user reading a log line knows which file to check.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ampgate::storage {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One connection. Not shared between threads: each thread opens its own.
class Database {
 public:
  enum class Access { read_write_create, read_write_existing, read_only };

  Database(std::string path, Access access);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs SQL without parameters (schema, pragmas). Only for fixed text, never user values.
  void exec(std::string_view sql);
  // Runs a pragma or query that yields one integer (e.g. "PRAGMA user_version").
  std::int64_t query_int(std::string_view sql);
  std::string query_text(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;

  // "PATH: CONTEXT: sqlite message", thrown as StorageError.
  [[noreturn]] void fail(std::string_view context) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement. Values are always bound, never spliced into SQL text.
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullopt_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Binds every argument in order, starting at parameter 1.
  template <class... T>
  Statement& bind_all(const T&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  bool step();  // true when a row is ready
  void run();   // steps to completion; for statements without result rows
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> opt_int64(int column) const;
  std::optional<double> opt_real(int column) const;
  std::optional<std::string> opt_text(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed without commit(), e.g. on an exception.
// IMMEDIATE takes the write lock up front, so a busy database fails at BEGIN, not midway.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace ampgate::storage
