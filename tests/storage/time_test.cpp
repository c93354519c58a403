// Times as users type them on the command line and as the database keeps them.
#include <gtest/gtest.h>

#include "storage/time.h"

using namespace ampgate::storage;
using namespace std::chrono;

namespace {
TimePoint utc(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return TimePoint{sys_days{year{y} / month{m} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}
}  // namespace

TEST(StorageTime, UnixMillisecondsRoundTrip) {
  const auto t = utc(2024, 3, 5, 14, 2, 7) + milliseconds{250};
  EXPECT_EQ(to_unix_ms(t), 1709647327250);
  EXPECT_EQ(from_unix_ms(to_unix_ms(t)), t);
}

TEST(StorageTime, FormatsUtcIso8601) { EXPECT_EQ(format_utc(utc(2024, 3, 5, 14, 2, 7)), "2024-03-05T14:02:07Z"); }

TEST(StorageTime, ParsesDatesAndTimestamps) {
  EXPECT_EQ(parse_utc("2024-03-05"), utc(2024, 3, 5));
  EXPECT_EQ(parse_utc("2024-03-05T14:02"), utc(2024, 3, 5, 14, 2));
  EXPECT_EQ(parse_utc("2024-03-05 14:02:07Z"), utc(2024, 3, 5, 14, 2, 7));
  EXPECT_EQ(parse_utc("2024-03-05T15:02:07+01:00"), utc(2024, 3, 5, 14, 2, 7));
  EXPECT_EQ(parse_utc("2024-03-05T09:32:07-04:30"), utc(2024, 3, 5, 14, 2, 7));
  EXPECT_TRUE(is_plain_date("2024-03-05"));
  EXPECT_FALSE(is_plain_date("2024-03-05T00:00"));
}

TEST(StorageTime, RejectsWhatIsNotADate) {
  for (const char* bad : {"", "yesterday", "2024-3-5", "2024-02-30", "2024-13-01", "2024-03-05T25:00",
                          "2024-03-05T14:02:07+1", "2024-03-05x", "05/03/2024", "2024-03-05T14:02:07Zjunk"}) {
    EXPECT_FALSE(parse_utc(bad).has_value()) << bad;
  }
}

// Issue 18: year 9999 overflowed the nanosecond clock (undefined behaviour). Years outside
// 1970-2199 are refused; the last second of 2199 still reads back as itself.
TEST(StorageTime, RefusesYearsTheClockCannotHold) {
  for (const char* bad : {"9999-12-31", "2263-01-01T00:00Z", "2200-01-01", "1969-12-31", "0000-01-01"}) {
    EXPECT_FALSE(parse_utc(bad).has_value()) << bad;
    EXPECT_FALSE(is_plain_date(bad)) << bad;
  }
  const auto last = parse_utc("2199-12-31T23:59:59Z");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(format_utc(*last), "2199-12-31T23:59:59Z");
}
