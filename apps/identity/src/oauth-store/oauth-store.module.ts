import { Module } from '@nestjs/common';
import { OAuthStoreHandlers } from './oauth-store.handlers';
import { OAuthStoreRepository } from './oauth-store.repository';
import { OAuthStoreService } from './oauth-store.service';

@Module({
  controllers: [OAuthStoreHandlers],
  providers: [OAuthStoreRepository, OAuthStoreService],
  exports: [OAuthStoreService],
})
export class OAuthStoreModule {}
