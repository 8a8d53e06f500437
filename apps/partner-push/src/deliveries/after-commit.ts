import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/**
 * Runs callbacks once the transaction of an EntityManager has committed (dropped on rollback). The
 * durable consumer owns the transaction the feed is written in; this is how the delivery worker hears
 * about a new delivery the moment it is visible, without waiting for its poll.
 */
@Injectable()
export class AfterCommit implements EntitySubscriberInterface {
  private readonly callbacks = new WeakMap<QueryRunner, (() => void)[]>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  run(m: EntityManager, callback: () => void): void {
    const qr = m.queryRunner;
    if (!qr?.isTransactionActive) {
      callback();
      return;
    }
    const list = this.callbacks.get(qr);
    if (list) list.push(callback);
    else this.callbacks.set(qr, [callback]);
  }

  afterTransactionCommit(e: TransactionCommitEvent): void {
    if (e.queryRunner.isTransactionActive) return; // a savepoint was released; the transaction goes on
    const list = this.callbacks.get(e.queryRunner);
    this.callbacks.delete(e.queryRunner);
    for (const callback of list ?? []) callback();
  }

  afterTransactionRollback(e: TransactionRollbackEvent): void {
    if (!e.queryRunner.isTransactionActive) this.callbacks.delete(e.queryRunner);
  }
}
