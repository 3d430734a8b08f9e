// placeholder: replaced by the module's tests
#include <gtest/gtest.h>
TEST(PlaceholderTest, Builds) { EXPECT_TRUE(true); }
