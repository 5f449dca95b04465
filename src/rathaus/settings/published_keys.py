"""The keys the demo and the tests run with. They are published with the code, so nobody may
use them for real data; the deployment checks (rathaus.core.checks) refuse them."""

DEMO_ENCRYPTION_KEY = "demo1:cmF0aGF1cy1kZW1vLWtleS1ub3QtZm9yLXByb2QhISE="
DEMO_HASH_KEY = "demo-hash-key-not-for-production"
TEST_ENCRYPTION_KEY = "t1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU="
TEST_HASH_KEY = "test-hash-key"

ENCRYPTION_KEYS = (DEMO_ENCRYPTION_KEY, TEST_ENCRYPTION_KEY)
HASH_KEYS = (DEMO_HASH_KEY, TEST_HASH_KEY)
