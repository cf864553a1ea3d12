INSERT INTO products VALUES (1, 'kettle', 24.5, 10), (2, 'teapot', 18.0, 4), (3, 'mug', 6.25, 120);
UPDATE products SET stock = 9 WHERE id = 1;
BEGIN; UPDATE products SET price = 17.5 WHERE id = 2; INSERT INTO products VALUES (4, 'saucer', 3.0, 60); COMMIT;
DELETE FROM products WHERE id = 3;
INSERT INTO products VALUES (5, 'tray', 12.0, NULL);
UPDATE products SET name = 'teapot, large', stock = 3 WHERE id = 2;
