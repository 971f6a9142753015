-- OrleansRelay grain storage schema for MariaDB 10.6+ / MySQL 8, implementing the contract of
-- Microsoft.Orleans.Persistence.AdoNet: the OrleansQuery rows ReadFromStorageKey, WriteToStorageKey,
-- ClearStorageKey and DeleteStorageKey, the OrleansStorage table, and the procedures they call.
--
-- Design: one row per grain state, keyed by GrainKey, the SHA-256 of the grain's full identity (service id,
-- grain type, both id halves, key extension). A real primary key: no two rows can ever hold one grain's state,
-- and reads, writes and deletes are one point lookup.
-- Payloads are LONGBLOB (grain state is serialized with the binary Orleans serializer).
-- Optimistic concurrency: a write names the version it read; a mismatch returns the unchanged version, which
-- Orleans reports as InconsistentStateException.
--
-- Statements are separated by lines holding only '-- @@'. The silo applies this script at start
-- (Storage:ApplySchema) or with `orleansrelay-silo schema`; every statement is idempotent and none drops anything,
-- so applying it while other silos run is safe (IF NOT EXISTS needs MariaDB 10.1.3+ or MySQL 8.0.29+).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  VARCHAR(64) NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- @@
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainKey               BINARY(32)    NOT NULL PRIMARY KEY,
    GrainIdHash            INT           NOT NULL,
    GrainIdN0              BIGINT        NOT NULL,
    GrainIdN1              BIGINT        NOT NULL,
    GrainTypeHash          INT           NOT NULL,
    GrainTypeString        VARCHAR(512)  NOT NULL,
    GrainIdExtensionString VARCHAR(512)  NULL,
    ServiceId              VARCHAR(150)  NOT NULL,
    PayloadBinary          LONGBLOB      NULL,
    ModifiedOn             DATETIME(3)   NOT NULL,
    Version                INT           NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- @@
CREATE FUNCTION IF NOT EXISTS OrleansGrainKey
(
    _ServiceId VARCHAR(150),
    _GrainTypeString VARCHAR(512),
    _GrainIdN0 BIGINT,
    _GrainIdN1 BIGINT,
    _GrainIdExtensionString VARCHAR(512)
)
RETURNS BINARY(32) DETERMINISTIC NO SQL
RETURN UNHEX(SHA2(CONCAT_WS(CHAR(31),
    _ServiceId, _GrainTypeString, _GrainIdN0, _GrainIdN1,
    IF(_GrainIdExtensionString IS NULL, CHAR(30), CONCAT('=', _GrainIdExtensionString))), 256))
-- @@
CREATE PROCEDURE IF NOT EXISTS WriteToStorage
(
    IN _GrainIdHash INT, IN _GrainIdN0 BIGINT, IN _GrainIdN1 BIGINT, IN _GrainTypeHash INT,
    IN _GrainTypeString VARCHAR(512), IN _GrainIdExtensionString VARCHAR(512), IN _ServiceId VARCHAR(150),
    IN _GrainStateVersion INT, IN _PayloadBinary LONGBLOB
)
BEGIN
    DECLARE _key BINARY(32) DEFAULT OrleansGrainKey(_ServiceId, _GrainTypeString, _GrainIdN0, _GrainIdN1, _GrainIdExtensionString);
    IF _GrainStateVersion IS NULL THEN
        -- First write of this grain. An existing row means our caller's state is stale: insert nothing and
        -- return NULL (unchanged). Two first writers racing both pass NOT EXISTS; the primary key lets only
        -- one insert and the other fails loudly. (ROW_COUNT() of INSERT ... SELECT counts inserted rows even
        -- under MySqlConnector's default found-rows mode, unlike ON DUPLICATE KEY UPDATE.)
        INSERT INTO OrleansStorage (GrainKey, GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
                                    GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT _key, _GrainIdHash, _GrainIdN0, _GrainIdN1, _GrainTypeHash, _GrainTypeString,
               _GrainIdExtensionString, _ServiceId, _PayloadBinary, UTC_TIMESTAMP(3), 1
        FROM DUAL
        WHERE NOT EXISTS (SELECT 1 FROM OrleansStorage WHERE GrainKey = _key);
        SELECT IF(ROW_COUNT() = 1, 1, NULL) AS NewGrainStateVersion;
    ELSE
        UPDATE OrleansStorage
        SET PayloadBinary = _PayloadBinary, ModifiedOn = UTC_TIMESTAMP(3), Version = Version + 1
        WHERE GrainKey = _key AND Version = _GrainStateVersion;
        SELECT IF(ROW_COUNT() = 1, _GrainStateVersion + 1, _GrainStateVersion) AS NewGrainStateVersion;
    END IF;
END
-- @@
CREATE PROCEDURE IF NOT EXISTS ClearStorage
(
    IN _GrainIdHash INT, IN _GrainIdN0 BIGINT, IN _GrainIdN1 BIGINT, IN _GrainTypeHash INT,
    IN _GrainTypeString VARCHAR(512), IN _GrainIdExtensionString VARCHAR(512), IN _ServiceId VARCHAR(150),
    IN _GrainStateVersion INT
)
BEGIN
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = UTC_TIMESTAMP(3), Version = Version + 1
    WHERE GrainKey = OrleansGrainKey(_ServiceId, _GrainTypeString, _GrainIdN0, _GrainIdN1, _GrainIdExtensionString)
      AND Version = _GrainStateVersion;
    SELECT IF(ROW_COUNT() = 1, _GrainStateVersion + 1, _GrainStateVersion) AS NewGrainStateVersion;
END
-- @@
CREATE PROCEDURE IF NOT EXISTS DeleteStorage
(
    IN _GrainIdHash INT, IN _GrainIdN0 BIGINT, IN _GrainIdN1 BIGINT, IN _GrainTypeHash INT,
    IN _GrainTypeString VARCHAR(512), IN _GrainIdExtensionString VARCHAR(512), IN _ServiceId VARCHAR(150),
    IN _GrainStateVersion INT
)
BEGIN
    DELETE FROM OrleansStorage
    WHERE GrainKey = OrleansGrainKey(_ServiceId, _GrainTypeString, _GrainIdN0, _GrainIdN1, _GrainIdExtensionString)
      AND Version = _GrainStateVersion;
    SELECT IF(ROW_COUNT() = 1, _GrainStateVersion + 1, _GrainStateVersion) AS NewGrainStateVersion;
END
-- @@
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey',
'SELECT PayloadBinary, UTC_TIMESTAMP(3), Version FROM OrleansStorage
 WHERE GrainKey = OrleansGrainKey(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)')
-- @@
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey',
'CALL WriteToStorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)')
-- @@
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey',
'CALL ClearStorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion)')
-- @@
REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey',
'CALL DeleteStorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion)')
-- @@
-- Device event logs (notifications and presence changes), appended one row per event: the replay window behind
-- SSE's Last-Event-ID. Not Orleans grain storage: appending must not rewrite a state blob per notification.
CREATE TABLE IF NOT EXISTS OrleansRelayDeviceEvents
(
    DeviceId  VARCHAR(128)  NOT NULL,
    EventId   BIGINT        NOT NULL,
    Kind      VARCHAR(16)   NOT NULL,
    Data      MEDIUMTEXT    NOT NULL,
    At        DATETIME(6)   NOT NULL,
    PRIMARY KEY (DeviceId, EventId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- @@
-- Per device: the last event id and the daemon's last recorded notification sequence number (duplicates are
-- dropped against it), updated in the same transaction as each append; kept when old events are trimmed.
CREATE TABLE IF NOT EXISTS OrleansRelayDeviceEventCursor
(
    DeviceId      VARCHAR(128) NOT NULL PRIMARY KEY,
    LastEventId   BIGINT       NOT NULL,
    LastSequence  BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- @@
-- The fleet index behind GET /v1/admin/devices and /v1/admin/stats (see docs/architecture.md, "Fleet index"): one
-- row per registered device, written in batches by the silos from the device grains' registration and presence
-- changes, never on a relayed request. Ids sort in binary order (the keyset cursor), names case-insensitively.
CREATE TABLE IF NOT EXISTS OrleansRelayDeviceIndex
(
    DeviceId            VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    Name                VARCHAR(200) NULL,
    Online              TINYINT(1)   NOT NULL,
    Since               DATETIME(6)  NOT NULL,
    Reason              VARCHAR(64)  NOT NULL,
    EdgeId              VARCHAR(200) NULL,
    Owner               VARCHAR(320) NULL,
    LastNotificationAt  DATETIME(6)  NULL,
    Version             BIGINT       NOT NULL,
    UpdatedAt           DATETIME(6)  NOT NULL,
    KEY IX_OrleansRelayDeviceIndex_Online (Online, Reason)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
