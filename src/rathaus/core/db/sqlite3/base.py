"""Django's SQLite backend set up for several processes and threads at once.

The embedded database serves web workers and the task worker together. Django's defaults answer
a write that meets another writer with "database is locked" at once, or deadlock two transactions
that both began reading and then want to write. Here every connection

* waits for a busy database (``timeout``, the busy timeout) instead of failing at once,
* runs in write-ahead-log mode, so readers never wait for the writer,
* begins every transaction ``IMMEDIATE``: it takes the write lock at its start, so two writers
  queue up in the busy timeout instead of meeting halfway with an error neither can retry,

and the database file is created readable by its own user only (rathaus.core.files).
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base

from rathaus.core.files import private_file_ensure

BUSY_TIMEOUT_SECONDS = 20
PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        defaults = {
            "timeout": BUSY_TIMEOUT_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": PRAGMAS,
        }
        self.settings_dict["OPTIONS"] = {**defaults, **self.settings_dict["OPTIONS"]}
        return super().get_connection_params()

    def get_new_connection(self, conn_params):
        name = str(conn_params["database"])
        if not self.creation.is_in_memory_db(name):
            private_file_ensure(name)
        return super().get_new_connection(conn_params)
