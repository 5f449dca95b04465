"""The resident register (Melderegister): persons, residences, family links, blocks, the street
directory and the register's history. Behind an interface (``interface.ResidentRegister``) with this
built-in register as the default; a town that runs its own register product plugs in its own."""
