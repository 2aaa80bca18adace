def test_probe(test_db, alice_tasks):
    with test_db.superuser() as c:
        print(c.execute("select datcollate, datctype, datlocprovider from pg_database where datname=current_database()").fetchall())
        print(c.execute("select 'a b' < 'ab', 'B' < 'a', lower('ÀB')").fetchall())
def test_probe2(alice_tasks):
    pass
