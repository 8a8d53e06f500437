import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { IdentityCmd, SignInRequest, type SignInResponse, SignUpRequest, type SignUpResponse } from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { PersonsService } from './persons.service';

@Controller()
export class PersonsHandlers {
  constructor(private readonly persons: PersonsService) {}

  @MessagePattern(IdentityCmd.SignUp)
  signUp(@Payload() dto: SignUpRequest, @Ctx() ctx: NatsContext): Promise<SignUpResponse> {
    return this.persons.signUp(dto, correlationIdOf(ctx));
  }

  @MessagePattern(IdentityCmd.SignIn)
  signIn(@Payload() dto: SignInRequest, @Ctx() ctx: NatsContext): Promise<SignInResponse> {
    return this.persons.signIn(dto, correlationIdOf(ctx));
  }
}
